package io.jworkers.runtime.worker;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a binding made for each version of its target that it called (a fetch link, a dynamic-RPC
 * link): one, or two of a split. Forgotten whenever the slot's versions change, so that it never
 * keeps a replaced version (and its loader) alive. The slot holds this listener weakly; the
 * binding that owns it holds it strongly.
 *
 * @param <L> what is made per version
 */
public final class VersionLinks<L> implements Consumer<VersionRouting> {

    private record Link<L>(LoadedWorker worker, L value) {
    }

    private static final Link<?>[] NONE = new Link<?>[0];

    private final WorkerSlot slot;
    private volatile Link<?>[] links = NONE;

    /**
     * Links of a slot's versions, forgotten when they change.
     *
     * @param slot the target's slot
     */
    public VersionLinks(WorkerSlot slot) {
        this.slot = slot;
        slot.addListener(this);
    }

    /**
     * The link of a version, made on its first call.
     *
     * @param worker the version called
     * @param make makes the link
     * @return the link
     */
    @SuppressWarnings("unchecked")
    public L get(LoadedWorker worker, Function<LoadedWorker, L> make) {
        Link<?>[] known = links;
        for (Link<?> link : known) {
            if (link.worker() == worker) {
                return (L) link.value();
            }
        }
        L value = make.apply(worker);
        Link<?>[] more = Arrays.copyOf(known, known.length + 1);
        more[known.length] = new Link<>(worker, value);
        links = more;
        VersionRouting now = slot.routing();
        for (Link<?> kept : more) {
            if (!now.contains(kept.worker())) {
                links = NONE; // replaced meanwhile: do not keep an old version
                break;
            }
        }
        return value;
    }

    /** Forgets every link: the slot's versions changed. */
    @Override
    public void accept(VersionRouting routing) {
        links = NONE;
    }
}
