// The .net model language. The core syntax is fixed by shared/spec/core-language.md;
// docs/language.md is the user-facing reference.
grammar Net;

file
    : (network | block)* EOF
    ;

network
    : 'network' name=IDENT '{' weightsClause? statement* '}'
    ;

// block NAME(params) { statements }: a piece of network used like a layer. Inside it, 'in' names the
// value it was called on, and its parameters stand for the values the call passes. 'block' and 'repeat'
// are IDENTs, not literals, so specs that use them as labels keep their meaning; the checker rejects any
// other word in their place.
block
    : keyword=IDENT name=IDENT ('(' (blockParameter (',' blockParameter)*)? ')')? '{' statement* '}'
    ;

blockParameter
    : name=IDENT ('=' value)?
    ;

// weights "path": the safetensors file the build checks the network's weights against. The keyword is
// an IDENT, not a literal, so 'weights' stays free as a label; the checker rejects any other word.
weightsClause
    : keyword=IDENT path=STRING
    ;

// One statement per layer. Whitespace and newlines carry no meaning, so statements
// need no separator: a label is recognised by the ':' that follows it.
statement
    : (label=labelName ':')? operation shapeAssertion?
    ;

// A label: a word, or dotted words as PyTorch names nested modules (layer1.0.conv1).
labelName
    : IDENT
    | DOTTED
    ;

operation
    : 'input' shape                 # inputOperation
    | 'from' target=labelName       # fromOperation
    | keyword=IDENT count=INT '{' statement* '}'   # repeatOperation
    | layer=IDENT arguments?        # layerOperation
    ;

shapeAssertion
    : '->' shape
    ;

shape
    : '[' dimension (',' dimension)* ']'
    ;

dimension
    : '-'? INT
    ;

arguments
    : '(' (argument (',' argument)*)? ')'
    ;

argument
    : (key=IDENT '=')? value
    ;

value
    : '-'? INT                       # integerValue
    | '-'? DECIMAL                   # decimalValue
    | ('true' | 'false')             # booleanValue
    | (IDENT | DOTTED)               # wordValue
    | '(' value (',' value)* ')'     # tupleValue
    ;

INT     : [0-9]+ ;
DECIMAL : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* ;
DOTTED  : [a-zA-Z_] [a-zA-Z_0-9]* ('.' [a-zA-Z_0-9]+)+ ;
STRING  : '"' (~["\\\r\n] | '\\' ["\\])* '"' ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WHITESPACE    : [ \t\r\n\f]+ -> skip ;

// An unclosed block comment is one token, so the error points at where it opens.
UNTERMINATED_COMMENT : '/*' .*? EOF ;

// A string that reaches the end of its line, so the error points at where it opens.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ["\\])* ;

// Anything else becomes one token the parser rejects, so a stray character is a syntax
// error at its own position rather than a lexer failure.
UNEXPECTED : . ;
