def out = new File(basedir, 'target/generated-sources/netspec')
assert new File(out, 'nets/A.java').isFile()
assert !new File(out, 'nets/B.java').exists() : 'the class of the removed spec is gone'
assert new File(out, 'notes.txt').isFile() : 'a file netspec did not write stays'
assert new File(basedir, 'target/generated-sources/other/Other.java').isFile() : "another plugin's folder is untouched"
assert new File(basedir, 'build.log').text.contains('B.java, which no spec generates any more')
return true
