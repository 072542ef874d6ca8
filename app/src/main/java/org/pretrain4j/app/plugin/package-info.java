/** Plugin discovery: ServiceLoader over the app's class path and the jars of --plugins, the name-keyed MapBinders, and lookups whose misses list what is available. */
package org.pretrain4j.app.plugin;
