package io.causalkv.node;

/** A setting that stops the node from starting; the message is one line naming the setting. */
public final class InvalidSettingException extends RuntimeException {

    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super("invalid setting " + setting + ": " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
