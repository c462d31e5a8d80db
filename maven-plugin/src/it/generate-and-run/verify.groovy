// The class was generated where the compiler and IDEs look, with the @Generated marker, and its test ran.
def generated = new File(basedir, 'target/generated-sources/netspec/it/nets/TinyNet.java')
assert generated.isFile() : "no generated class at $generated"
def source = generated.text
assert source.contains('@Generated(') && source.contains('tiny.net') : 'the class names its generator and spec'
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0') : 'the test of the generated network ran'
return true
