def log = new File(basedir, 'build.log').text
def spec = new File(basedir, 'src/main/net/odd.net').canonicalPath
assert log.contains("[WARNING] ${spec}:3:5: warning: maxpool never reads the last 1 row and the last 1 column")
assert log.contains('netspec: 1 warning in 1 file, and failOnWarning is set')
assert !new File(basedir, 'target/generated-sources/netspec/Odd.java').exists()
return true
