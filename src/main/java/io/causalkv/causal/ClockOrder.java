package io.causalkv.causal;

/** How two vector clocks relate. */
public enum ClockOrder { BEFORE, AFTER, EQUAL, CONCURRENT }
