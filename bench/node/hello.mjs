// hello: the Node twin of c-src/examples/hello.c, for the startup scenario.
console.log('Hello, world!');
