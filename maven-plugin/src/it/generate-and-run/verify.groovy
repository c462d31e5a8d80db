// The class was generated where the compiler and IDEs look, with the @Generated marker, and its test ran.
def generated = new File(basedir, 'target/generated-sources/netspec/it/nets/TinyNet.java')
assert generated.isFile() : "no generated class at $generated"
def source = generated.text
assert source.contains('@Generated(') && source.contains('tiny.net') : 'the class names its generator and spec'
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0') : 'the test of the generated network ran'
// The report: one self-contained page with the network's table and diagram, its path in the log.
def report = new File(basedir, 'target/netspec/index.html')
assert report.isFile() : "no report at $report"
def page = report.text
assert page.contains('<table class="summary">') && page.contains('<svg ') : 'the report has the table and the diagram'
assert page.contains('>conv1</text>') && page.contains('<td>[2, 4, 4]</td>') : 'the report shows the layers'
assert !page.contains('<script') && !(page =~ /(src|href)="(https?:)?\/\//) : 'the page loads nothing from elsewhere'
assert log.contains("netspec: report at ${report.toPath().toAbsolutePath().normalize()}") : 'the build log says where the report is'
return true
