assert new File(basedir, 'build.log').text.contains('netspec: skipped (netspec.skip is true)')
assert !new File(basedir, 'target/generated-sources/netspec').exists()
return true
