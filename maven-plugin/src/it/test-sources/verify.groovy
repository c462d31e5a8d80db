assert new File(basedir, 'target/generated-test-sources/netspec/it/testnets/ProbeNet.java').isFile()
assert !new File(basedir, 'target/generated-sources/netspec/it').exists() : 'test specs do not become main classes'
assert new File(basedir, 'target/test-classes/it/testnets/ProbeNet.class').isFile()
assert new File(basedir, 'build.log').text.contains('Tests run: 1, Failures: 0, Errors: 0')
return true
