// Every '// error:' expectation of every corpus file must appear in the log as an absolute path:LINE:COL
// error line, all from this one failed build; and nothing may look like a Java stack trace.
def corpus = new File(basedir, '../../../../generator/src/test/resources/diagnostics').canonicalFile
def log = new File(basedir, 'build.log').text
def missing = []
def expected = 0
corpus.eachFileMatch(~/.*\.net/) { spec ->
    spec.readLines().eachWithIndex { line, index ->
        def m = line =~ /\/\/\s*error:\s*(.*?)\s*$/
        if (m.find()) {
            expected++
            def headline = "${spec.absolutePath}:${index + 1}:"
            def found = log.readLines().any { it.contains(headline) && it.contains(': error: ') && it.contains(m.group(1)) }
            if (!found) {
                missing << "${spec.name}:${index + 1}: ${m.group(1)}"
            }
        }
    }
}
assert expected >= 100 : "only $expected expectations found under $corpus"
assert missing.isEmpty() : "not reported:\n  " + missing.join('\n  ')
assert log =~ /netspec: \d+ errors in \d+ files; see the messages above/
// The plugin's own output runs from its execution header to the build result; nothing in it may look
// like a Java exception or stack trace. (Maven's help link after it names MojoFailureException.)
def lines = log.readLines()
def start = lines.findIndexOf { it.contains('--- netspec-maven-plugin') }
def end = lines.findIndexOf { it.contains('BUILD FAILURE') }
assert start >= 0 && end > start
def leaked = lines.subList(start, end).findAll { it =~ /Exception|^\s+at [a-z]+\.[\w.$]+\(/ }
assert leaked.isEmpty() : 'an exception or stack trace appeared in the netspec output: ' + leaked
return true
