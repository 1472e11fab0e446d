package io.jworkers.runtime.deploy;

/** The {@link StateStoreContract} of the folder store. */
class FolderStoreContractTest extends StateStoreContract {

    @Override
    protected StateStore openStore() {
        return FolderStore.open(tmp.resolve("state"));
    }

    @Override
    protected StateStore reopenStore() {
        return FolderStore.open(tmp.resolve("state"));
    }
}
