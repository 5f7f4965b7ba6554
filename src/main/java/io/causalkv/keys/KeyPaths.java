package io.causalkv.keys;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.ShardReplica;
import io.causalkv.transport.PeerClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds a node's key path for each dialect's {@link KeyRules}, once, for its mode:
 * <pre>
 * forwarding:  Forwarding
 * standalone:  Validation → ReplicaStore (the only replica: no gate, nothing to acknowledge)
 * cluster:     Validation → ShardRouting → DependencyGate → [AckWait] → ReplicaStore
 *                                  ↘ MemberRelay (another shard's key, or this replica still fetching)
 * </pre>
 */
public final class KeyPaths {

    private final Function<KeyRules, KeyStore> builder;
    private final Map<KeyRules, KeyStore> built = new ConcurrentHashMap<>();

    private KeyPaths(Function<KeyRules, KeyStore> builder) {
        this.builder = builder;
    }

    public static KeyPaths forwarding(NodeAddress main, PeerClient peers) {
        Forwarding forwarding = new Forwarding(main, peers);
        return new KeyPaths(rules -> forwarding);
    }

    public static KeyPaths standalone(ShardReplica replica) {
        Hosted only = Hosted.standalone(replica);
        ReplicaStore store = new ReplicaStore();
        KeyStore path = new Validation(request -> store.answer(request.servedAt(only, System.nanoTime())));
        return new KeyPaths(rules -> path);
    }

    /**
     * {@code writeAcks}: {@code KVS_WRITE_ACKS}; 2 stacks the acknowledgement wait where a dialect
     * asks for it, counting its outcomes in {@code counted}.
     */
    public static KeyPaths cluster(Placement placement, MemberRelay relay, int writeAcks, Acknowledgements counted) {
        return new KeyPaths(rules -> {
            KeyStore replica = new ReplicaStore();
            KeyStore acked = rules.waitsForAcks() && writeAcks == 2 ? new AckWait(replica, counted) : replica;
            KeyStore gated = switch (rules.gate()) {
                case REFUSE -> DependencyGate.refuse(acked);
                case AWAIT -> DependencyGate.await(rules.bound(), acked);
                case FETCH -> DependencyGate.fetch(rules.bound(), acked);
            };
            return new Validation(new ShardRouting(placement, relay, rules.waitAllowance(), gated));
        });
    }

    /** The key path for a dialect's rules. */
    public KeyStore of(KeyRules rules) {
        return built.computeIfAbsent(rules, builder);
    }
}
