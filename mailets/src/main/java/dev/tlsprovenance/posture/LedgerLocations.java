package dev.tlsprovenance.posture;

import dev.tlsprovenance.ledger.Ledger;
import dev.tlsprovenance.provenance.Direction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ledger files the running mailets write: {@code TlsPolicyRemoteDelivery} registers its {@code ledger},
 * {@code EnforceInboundTlsPolicy} its {@code inboundLedger}, at init. One instance per James (bound as a singleton in
 * {@code TlsProvenanceModule}), so the posture reads what is really written, never a guessed path. Several
 * instances of a mailet with different files register each (the posture adds them up). The ledger health check
 * reads the same registrations ({@link #ledgers()}: the mailets' own {@link Ledger} objects, so its probe shares
 * their outage state and log lines): one registry for every reader of the ledgers.
 */
public final class LedgerLocations {
    private final Map<Direction, Set<Path>> files = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<Ledger> ledgers = new CopyOnWriteArrayList<>();

    /** A mailet's ledger: its file for the posture, the ledger itself for the health check. */
    public void register(Direction direction, Ledger ledger) {
        ledgers.removeIf(known -> known.file().equals(ledger.file()));
        ledgers.add(ledger);
        register(direction, ledger.file());
    }

    /** The ledgers the running mailets write, both directions. */
    public List<Ledger> ledgers() {
        return List.copyOf(ledgers);
    }

    public void register(Direction direction, Path file) {
        Set<Path> known = files.computeIfAbsent(direction, d -> new LinkedHashSet<>());
        boolean added;
        synchronized (known) {
            added = known.add(file.toAbsolutePath().normalize());
        }
        if (added) {
            listeners.forEach(Runnable::run);
        }
    }

    public List<Path> of(Direction direction) {
        Set<Path> known = files.getOrDefault(direction, Set.of());
        synchronized (known) {
            return List.copyOf(new ArrayList<>(known));
        }
    }

    /** Called after each new registration (from the registering thread). */
    public void onRegistration(Runnable listener) {
        listeners.add(listener);
    }
}
