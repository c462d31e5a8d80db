def out = new File(basedir, 'target/generated-sources/netspec/it/nets')
assert new File(out, 'Good.java').isFile()
assert new File(out, 'Extra.java').isFile() : 'an extra include pattern is honoured'
assert !new File(out, 'Broken.java').exists()
assert new File(basedir, 'build.log').text.contains('netspec: 2 classes from 2 specs')
return true
