/** The pretrain4j application: the command-line entry point (Main), the library API (PreTraining) and the Guice modules of the one injector. */
package org.pretrain4j.app;
