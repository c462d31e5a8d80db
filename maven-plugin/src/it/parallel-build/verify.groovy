def log = new File(basedir, 'build.log').text
assert log.contains('MultiThreadedBuilder') && log.contains('thread count of 2') : 'the build ran with -T 2'
(1..4).each { i ->
    assert new File(basedir, "m$i/target/generated-sources/netspec/it/Net${i}.java").isFile()
    assert new File(basedir, "m$i/target/classes/it/Uses${i}.class").isFile()
}
return true
