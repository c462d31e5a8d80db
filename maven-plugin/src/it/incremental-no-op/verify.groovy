def generated = new File(basedir, 'target/generated-sources/netspec/Probe.java')
assert generated.isFile()
assert generated.lastModified() == 946684800000L : "the second build rewrote ${generated} (mtime ${new Date(generated.lastModified())})"
def report = new File(basedir, 'target/netspec/index.html')
assert report.lastModified() == 946684800000L : "the second build rewrote the report"
def log = new File(basedir, 'build.log').text
assert log.contains("netspec: report at ${report.toPath().toAbsolutePath().normalize()}") : 'an up-to-date build still says where the report is'
assert log.contains('netspec: 1 spec unchanged since the last build; 1 generated class up to date')
return true
