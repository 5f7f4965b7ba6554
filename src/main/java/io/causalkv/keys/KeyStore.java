package io.causalkv.keys;

/**
 * One layer of the key path, in the manner of Voldemort's stacked stores: it answers a request
 * itself or passes it, perhaps changed, to the layer below. Each layer keeps one rule
 * (validation, forwarding, routing, a dependency gate, the replica, the acknowledgement wait);
 * a dialect's path is the stack {@link KeyRules} chooses. A refusal is a {@link KeyRequestRejected}.
 */
@FunctionalInterface
public interface KeyStore {

    KeyAnswer answer(KeyRequest request);
}
