def log = new File(basedir, 'build.log').text
def main = new File(basedir, 'src/main/net/main.net').canonicalPath
def test = new File(basedir, 'src/test/net/test.net').canonicalPath
assert log.contains("${main}:8:5: error: dense needs a flat input but gets [1, 28, 28]")
assert log.contains("${test}:3:5: error: conv2d output height is 0")
assert log.contains('netspec: 2 errors in 2 files')
assert !new File(basedir, 'target/generated-sources').exists() : 'check writes nothing'
return true
