package io.causalkv.store;

/** What a PUT did to a key: it had no live value (created) or it had one (replaced). */
public enum WriteOutcome { CREATED, REPLACED }
