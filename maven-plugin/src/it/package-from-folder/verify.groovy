def out = new File(basedir, 'target/generated-sources/netspec')
def mnist = new File(out, 'com/acme/vision/Mnist.java')
assert mnist.text.contains('package com.acme.vision;')
assert new File(out, 'Root.java').isFile() : 'a spec at the top folder is in the unnamed package'
assert new File(basedir, 'target/classes/com/acme/app/Uses.class').isFile()
return true
