// Tokenizes specs with the TextMate grammar through vscode-textmate and Oniguruma, the engine VS Code uses,
// and checks the VS Code extension's problem matcher against real diagnostics.
// Run by generator's TextMateGrammarTest (npm ci, then node --test); NETSPEC_DIAGNOSTICS names a JSON file of
// diagnostics as netspec and its Maven plugin print them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const editors = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repository = path.resolve(editors, '..');
const grammarPath = path.join(editors, 'textmate', 'netspec.tmLanguage.json');
const extension = JSON.parse(fs.readFileSync(path.join(editors, 'vscode', 'package.json'), 'utf8'));

await oniguruma.loadWASM(fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: patterns => new oniguruma.OnigScanner(patterns),
    createOnigString: text => new oniguruma.OnigString(text),
  }),
  loadGrammar: async scope => scope === 'source.netspec'
    ? textmate.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
});
const grammar = await registry.loadGrammar('source.netspec');

/** Each line's tokens as {text, scopes}, carrying the rule stack from line to line as an editor does. */
function tokenize(text) {
  let stack = textmate.INITIAL;
  return text.split(/\r?\n/).map(line => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map(t => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The innermost scope of the token whose text is `word`, the `nth` such token (0-based) in `line`. */
function scopeOf(line, word, nth = 0) {
  const tokens = tokenize(line)[0].filter(t => t.text.trim() === word);
  assert.ok(tokens.length > nth, `no token '${word}' in: ${line}`);
  return tokens[nth].scopes.at(-1);
}

function specs(folder) {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'target' || entry.name === 'node_modules' ? [] : specs(full);
    return entry.name.endsWith('.net') ? [full] : [];
  });
}

const sampleSpecs = [...specs(path.join(repository, 'samples')), ...specs(path.join(repository, 'maven-plugin', 'src', 'it'))];

test('every sample spec is highlighted with no unknown token', () => {
  assert.ok(sampleSpecs.length >= 8, `found only ${sampleSpecs.length} specs`);
  for (const file of sampleSpecs) {
    // The plugin's failing-build test specs are wrong on purpose, but only in shapes, never in characters.
    tokenize(fs.readFileSync(file, 'utf8')).forEach((tokens, index) => {
      for (const token of tokens.filter(t => t.text.trim() !== '')) {
        const where = `${path.relative(repository, file)}:${index + 1}: '${token.text}'`;
        assert.ok(token.scopes.length > 1, `${where} has no scope but the file's`);
        assert.ok(!token.scopes.some(s => s.startsWith('invalid')), `${where} is ${token.scopes.join(' ')}`);
      }
    });
  }
});

test('a layer line: label, layer, arguments, shape assertion', () => {
  const line = 'conv1: conv2d(32, kernel=3, padding=same, activation=relu) -> [32, 28, 28] // first';
  assert.equal(scopeOf(line, 'conv1'), 'entity.name.label.netspec');
  assert.equal(scopeOf(line, ':'), 'punctuation.separator.label.netspec');
  assert.equal(scopeOf(line, 'conv2d'), 'support.function.layer.netspec');
  assert.equal(scopeOf(line, '32'), 'constant.numeric.integer.netspec');
  assert.equal(scopeOf(line, 'kernel'), 'variable.parameter.netspec');
  assert.equal(scopeOf(line, '='), 'keyword.operator.assignment.netspec');
  assert.equal(scopeOf(line, 'same'), 'constant.language.netspec');
  assert.equal(scopeOf(line, 'relu'), 'constant.language.netspec');
  assert.equal(scopeOf(line, '->'), 'keyword.operator.shape-assertion.netspec');
  const dimension = tokenize(line)[0].filter(t => t.text === '28')[0];
  assert.deepEqual(dimension.scopes, ['source.netspec', 'meta.shape.netspec', 'constant.numeric.integer.netspec']);
  assert.equal(scopeOf(line, 'first'), 'comment.line.double-slash.netspec');
});

test('networks, inputs, branches, merges, tuples and decimals', () => {
  assert.equal(scopeOf('network MnistNet {', 'network'), 'storage.type.network.netspec');
  assert.equal(scopeOf('network MnistNet {', 'MnistNet'), 'entity.name.type.class.netspec');
  assert.equal(scopeOf('network MnistNet {', '{'), 'punctuation.section.block.begin.netspec');
  assert.equal(scopeOf('x: input [3, 32, 32]', 'input'), 'keyword.other.input.netspec');
  assert.equal(scopeOf('weights "models/mnist.safetensors"', 'weights'), 'keyword.other.weights.netspec');
  assert.equal(scopeOf('weights "models/mnist.safetensors"', 'models/mnist.safetensors'), 'string.quoted.double.netspec');
  assert.equal(scopeOf('weights "a\\"b"', '\\"'), 'constant.character.escape.netspec');
  assert.equal(scopeOf('weights: batchnorm', 'weights'), 'entity.name.label.netspec');
  assert.equal(scopeOf('block basic(out, stride=1) {', 'block'), 'storage.type.block.netspec');
  assert.equal(scopeOf('block basic(out, stride=1) {', 'basic'), 'entity.name.function.block.netspec');
  assert.equal(scopeOf('block basic(out, stride=1) {', 'out'), 'variable.parameter.netspec');
  assert.equal(scopeOf('block basic(out, stride=1) {', '1'), 'constant.numeric.integer.netspec');
  assert.equal(scopeOf('layer1: repeat 2 { basic(64) }', 'repeat'), 'keyword.control.repeat.netspec');
  assert.equal(scopeOf('layer1: repeat 2 { basic(64) }', 'basic'), 'entity.name.function.layer.netspec');
  assert.equal(scopeOf('downsample.0: conv2d(8, 1)', 'downsample.0'), 'entity.name.label.netspec');
  assert.equal(scopeOf('add(layer2.0.bn2)', 'layer2.0.bn2'), 'variable.other.label.netspec');
  assert.equal(scopeOf('from stem', 'from'), 'keyword.control.from.netspec');
  assert.equal(scopeOf('from stem', 'stem'), 'variable.other.label.netspec');
  assert.equal(scopeOf('add(shortcut)', 'add'), 'support.function.layer.netspec');
  assert.equal(scopeOf('add(shortcut)', 'shortcut'), 'variable.other.label.netspec');
  assert.equal(scopeOf('maxpool((2, 3), stride=(1, 2))', '3'), 'constant.numeric.integer.netspec');
  assert.equal(scopeOf('dropout(0.25)', '0.25'), 'constant.numeric.decimal.netspec');
  assert.equal(scopeOf('batchnorm(eps=1e-3)', '1e-3'), 'constant.numeric.decimal.netspec');
  assert.equal(scopeOf('dense(10, bias=false)', 'false'), 'constant.language.boolean.netspec');
  assert.equal(scopeOf('conv3d(8, 3)', 'conv3d'), 'entity.name.function.layer.netspec');
});

test('comments span lines, and a stray character is marked', () => {
  const lines = tokenize('/* one\n   two */ relu');
  assert.equal(lines[1][0].scopes.at(-1), 'comment.block.netspec');
  assert.equal(lines[1].find(t => t.text === 'relu').scopes.at(-1), 'support.function.layer.netspec');
  assert.equal(scopeOf('relu $', '$'), 'invalid.illegal.character.netspec');
});

test('the VS Code extension contributes this grammar and file type', () => {
  const [language] = extension.contributes.languages;
  const [contributed] = extension.contributes.grammars;
  assert.deepEqual(language.extensions, ['.net']);
  assert.equal(contributed.scopeName, 'source.netspec');
  const shipped = path.resolve(editors, 'vscode', contributed.path);
  assert.equal(fs.realpathSync(shipped), fs.realpathSync(grammarPath), 'the extension ships the one grammar');
  assert.ok(fs.existsSync(path.resolve(editors, 'vscode', language.configuration)));
});

test('the problem matcher reads netspec diagnostics', t => {
  if (!process.env.NETSPEC_DIAGNOSTICS) {
    t.skip('NETSPEC_DIAGNOSTICS is not set: TextMateGrammarTest passes real diagnostics');
    return;
  }
  const [matcher] = extension.contributes.problemMatchers;
  const regexp = new RegExp(matcher.pattern.regexp);
  const cases = JSON.parse(fs.readFileSync(process.env.NETSPEC_DIAGNOSTICS, 'utf8'));
  assert.ok(cases.length >= 2);
  for (const expected of cases) {
    const match = regexp.exec(expected.text);
    assert.ok(match, `the problem matcher misses: ${expected.text}`);
    const p = matcher.pattern;
    assert.deepEqual(
      { file: match[p.file], line: Number(match[p.line]), column: Number(match[p.column]),
        severity: match[p.severity], message: match[p.message] },
      { file: expected.file, line: expected.line, column: expected.column, severity: expected.severity,
        message: expected.message });
  }
});
