def a = new File(basedir, 'target/generated-sources/netspec/A.java')
def b = new File(basedir, 'target/generated-sources/netspec/B.java')
assert a.text.contains('OUTPUT_SIZE = 4') : 'A was regenerated from the edited spec'
assert a.lastModified() > 946684800000L : 'A.java was rewritten'
assert b.lastModified() == 946684800000L : 'B.java, whose spec did not change, was left alone'
return true
