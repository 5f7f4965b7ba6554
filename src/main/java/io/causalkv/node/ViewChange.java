package io.causalkv.node;

/** What a view request did (API.md 6.6). */
public enum ViewChange { ADDED, ALREADY_PRESENT, DELETED, NOT_PRESENT }
