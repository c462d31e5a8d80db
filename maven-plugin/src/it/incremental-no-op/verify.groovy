def generated = new File(basedir, 'target/generated-sources/netspec/Probe.java')
assert generated.isFile()
assert generated.lastModified() == 946684800000L : "the second build rewrote ${generated} (mtime ${new Date(generated.lastModified())})"
def log = new File(basedir, 'build.log').text
assert log.contains('netspec: 1 spec unchanged since the last build; 1 generated class up to date')
return true
