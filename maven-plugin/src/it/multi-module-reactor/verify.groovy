assert new File(basedir, 'nets/target/generated-sources/netspec/it/nets/Classifier.java').isFile()
assert new File(basedir, 'app/target/classes/it/app/App.class').isFile()
return true
