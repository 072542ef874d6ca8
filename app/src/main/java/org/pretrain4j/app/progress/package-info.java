/** How a run is followed: a progress bar on a terminal, log lines otherwise, and loss-curve PNGs. */
package org.pretrain4j.app.progress;
