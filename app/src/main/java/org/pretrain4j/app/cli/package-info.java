/** The picocli commands; each is created by the injector and delegates to the run service or the inference classes. */
package org.pretrain4j.app.cli;
