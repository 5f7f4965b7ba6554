package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.durability.WriteAheadLog;
import io.causalkv.transport.ClusterToken;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@link NodeConfig} from a lookup of named settings (environment variables, overridden by
 * servlet-context init parameters). A malformed setting throws {@link InvalidSettingException}.
 */
public final class NodeConfigParser {

    public static final String SOCKET_ADDRESS = "SOCKET_ADDRESS";
    public static final String ADDRESS = "ADDRESS";
    public static final String VIEW = "VIEW";
    public static final String SHARD_COUNT = "SHARD_COUNT";
    public static final String REPL_FACTOR = "REPL_FACTOR";
    public static final String FORWARDING_ADDRESS = "FORWARDING_ADDRESS";
    public static final String KVS_API = "KVS_API";
    public static final String KVS_WRITE_ACKS = "KVS_WRITE_ACKS";
    public static final String KVS_DEPENDENCY_WAIT_MS = "KVS_DEPENDENCY_WAIT_MS";
    public static final String CLUSTER_TOKEN = "CLUSTER_TOKEN";
    public static final String DATA_DIR = "DATA_DIR";
    public static final String KVS_FSYNC = "KVS_FSYNC";

    /** API.md 7.2: a key-value-store request waits 10 s for its dependencies by default. */
    static final int DEFAULT_DEPENDENCY_WAIT_MS = 10_000;

    /** Every setting the node reads, for callers that gather them from several sources. */
    public static final List<String> SETTINGS = List.of(
            SOCKET_ADDRESS, ADDRESS, VIEW, SHARD_COUNT, REPL_FACTOR, FORWARDING_ADDRESS, KVS_API, KVS_WRITE_ACKS,
            KVS_DEPENDENCY_WAIT_MS, CLUSTER_TOKEN, DATA_DIR, KVS_FSYNC);

    private final Function<String, String> lookup;

    private NodeConfigParser(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** Parses the settings that {@code lookup} returns (null for an unset setting). */
    public static NodeConfig parse(Function<String, String> lookup) {
        return new NodeConfigParser(lookup).parse();
    }

    private NodeConfig parse() {
        Optional<NodeAddress> socketAddress = address(SOCKET_ADDRESS);
        Optional<NodeAddress> plainAddress = address(ADDRESS);
        Optional<NodeAddress> own = socketAddress.or(() -> plainAddress);
        NodeConfig.Membership membership = socketAddress.isPresent() ? NodeConfig.Membership.AUTOMATIC
                : plainAddress.isPresent() ? NodeConfig.Membership.MANUAL
                : NodeConfig.Membership.NONE;
        List<NodeAddress> view = view();
        Optional<Integer> shardCount = positiveInt(SHARD_COUNT);
        Optional<Integer> replFactor = positiveInt(REPL_FACTOR);
        if (shardCount.isPresent() && replFactor.isPresent()
                && shardCount.get() * replFactor.get() != view.size()) {
            throw new InvalidSettingException(SHARD_COUNT, "SHARD_COUNT x REPL_FACTOR must equal the number of nodes in VIEW ("
                    + shardCount.get() + " x " + replFactor.get() + " != " + view.size() + ")");
        }
        if (replFactor.isPresent() && !view.isEmpty() && view.size() % replFactor.get() != 0) {
            throw new InvalidSettingException(REPL_FACTOR, "the number of nodes in VIEW (" + view.size()
                    + ") must be a multiple of REPL_FACTOR (" + replFactor.get() + ")");
        }
        Optional<NodeAddress> forwarding = address(FORWARDING_ADDRESS);
        Set<Dialect> dialects = dialects(membership == NodeConfig.Membership.MANUAL || replFactor.isPresent());
        java.time.Duration dependencyWait = java.time.Duration.ofMillis(
                nonNegativeInt(KVS_DEPENDENCY_WAIT_MS).orElse(DEFAULT_DEPENDENCY_WAIT_MS));
        return new NodeConfig(own, membership, view, shardCount, replFactor, forwarding, dialects, writeAcks(),
                dependencyWait, clusterToken(), dataDir(), fsync());
    }

    private Optional<Path> dataDir() {
        return text(DATA_DIR).map(value -> {
            try {
                return Path.of(value).toAbsolutePath();
            } catch (InvalidPathException e) {
                throw new InvalidSettingException(DATA_DIR, "not a path: " + e.getReason());
            }
        });
    }

    /** Issue 18: fsync before acknowledging by default; every second, or when the OS decides, on request. */
    private WriteAheadLog.Sync fsync() {
        Optional<String> value = text(KVS_FSYNC);
        if (value.isEmpty()) {
            return WriteAheadLog.Sync.BATCH;
        }
        return switch (value.get()) {
            case "batch" -> WriteAheadLog.Sync.BATCH;
            case "interval" -> WriteAheadLog.Sync.INTERVAL;
            case "none" -> WriteAheadLog.Sync.NONE;
            default -> throw new InvalidSettingException(KVS_FSYNC, "expected batch, interval or none, got \"" + value.get() + "\"");
        };
    }

    private Optional<String> text(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private Optional<NodeAddress> address(String name) {
        return text(name).map(value -> {
            try {
                return NodeAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(name, e.getMessage());
            }
        });
    }

    private List<NodeAddress> view() {
        Set<NodeAddress> nodes = new LinkedHashSet<>();
        for (String entry : text(VIEW).orElse("").split(",")) {
            if (!entry.isBlank()) {
                try {
                    nodes.add(NodeAddress.parse(entry));
                } catch (IllegalArgumentException e) {
                    throw new InvalidSettingException(VIEW, e.getMessage());
                }
            }
        }
        return new ArrayList<>(nodes);
    }

    /** An integer from 0 to 60,000 (a wait in milliseconds: bounded, API.md 10.6). */
    private Optional<Integer> nonNegativeInt(String name) {
        return text(name).map(value -> {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= 0 && parsed <= 60_000) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidSettingException(name, "expected milliseconds from 0 to 60000, got \"" + value + "\"");
        });
    }

    private Optional<Integer> positiveInt(String name) {
        return text(name).map(value -> {
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, "expected an integer >= 1, got \"" + value + "\"");
            }
            if (parsed < 1) {
                throw new InvalidSettingException(name, "expected an integer >= 1, got " + parsed);
            }
            return parsed;
        });
    }

    private Set<Dialect> dialects(boolean keysDialectByDefault) {
        Optional<String> explicit = text(KVS_API);
        if (explicit.isEmpty()) {
            Set<Dialect> defaults = EnumSet.of(Dialect.HELLO, Dialect.KVS, Dialect.KEY_VALUE_STORE);
            if (keysDialectByDefault) {
                defaults.add(Dialect.KVS_KEYS);
            }
            return defaults;
        }
        Set<Dialect> chosen = EnumSet.noneOf(Dialect.class);
        for (String name : explicit.get().split(",")) {
            if (name.isBlank()) {
                continue;
            }
            chosen.add(Dialect.byWireName(name.strip()).orElseThrow(() ->
                    new InvalidSettingException(KVS_API, "unknown dialect \"" + name.strip()
                            + "\" (known: hello, kvs, key-value-store, kvs-keys)")));
        }
        return chosen;
    }

    /** The message names the problem but never quotes the value: it is a secret. */
    private Optional<ClusterToken> clusterToken() {
        return text(CLUSTER_TOKEN).map(value -> {
            try {
                return ClusterToken.of(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(CLUSTER_TOKEN, e.getMessage());
            }
        });
    }

    private int writeAcks() {
        Optional<String> value = text(KVS_WRITE_ACKS);
        if (value.isEmpty()) {
            return 2;
        }
        return switch (value.get()) {
            case "1" -> 1;
            case "2" -> 2;
            default -> throw new InvalidSettingException(KVS_WRITE_ACKS, "expected 1 or 2, got \"" + value.get() + "\"");
        };
    }
}
