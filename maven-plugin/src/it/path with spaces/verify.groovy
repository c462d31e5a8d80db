assert basedir.name.contains(' ')
assert new File(basedir, 'target/generated-sources/netspec/it/spaced/SpacedNet.java').text.contains('my nets/spaced net.net')
assert new File(basedir, 'target/classes/it/UsesSpacedNet.class').isFile()
return true
