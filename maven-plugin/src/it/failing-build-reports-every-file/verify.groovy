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
assert !(log =~ /(?m)^\s+at [a-z]+\.[\w.$]+\(/) : 'a stack trace appeared in the build log'
// Maven's own help link names MojoFailureException; any other mention would be a leaked exception.
def leaked = log.readLines().findAll { it.contains('Exception') && !it.contains('cwiki.apache.org') }
assert leaked.isEmpty() : 'an exception appeared in the build log: ' + leaked
return true
