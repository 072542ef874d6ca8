/** Test kit shared through core's test-jar: the float64 reference interpreter and backend, and the gradient checker. */
package org.pretrain4j.testkit;
