package org.pretrain4j.testkit;

import org.pretrain4j.spi.Backend;

/** The backend kit run against the reference itself: checks that the kit's programs build and run. */
final class ReferenceBackendContractTest implements BackendContract {
    @Override
    public Backend createBackend() {
        return new ReferenceBackend();
    }
}
