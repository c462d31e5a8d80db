// Bad fails at its dense layer's line with both shapes and why; the extra tensor is flagged; Good passes;
// the failed build wrote no class.
def log = new File(basedir, 'build.log').text
def spec = new File(basedir, 'src/main/net/nets.net').absolutePath
def bad = new File(basedir, 'weights/bad.safetensors').absolutePath
assert log.contains("[ERROR] ${spec}:11:9: error: fc.weight is [3, 9] in ${bad} but the spec needs [3, 8]: the input to fc has 8 features") : 'the wrong shape is reported at the dense layer'
assert log.contains("[WARNING] ${spec}:7:9: warning: ${bad} has 1 tensor that no layer reads: head.weight [3, 3]") : 'the unread tensor is flagged'
assert log.contains('netspec: 1 error in 1 file; see the messages above')
assert !log.contains('good.safetensors') : 'the matching file raises nothing'
assert !new File(basedir, 'target/generated-sources/netspec/Bad.java').exists() : 'a failed build writes nothing'
return true
