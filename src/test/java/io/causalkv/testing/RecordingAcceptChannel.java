package io.causalkv.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listening channel that remembers the connections it accepted, so that an in-process node
 * can be stopped the way a process dies: the kernel then closes every socket, while Jetty's
 * stop leaves open a connection its acceptor took just as the selectors stopped (it is never
 * registered, so never closed: its client waits for its own timeout). Blocking accepts only
 * (the connector must have an acceptor thread): a wrapper cannot be registered with a selector.
 */
final class RecordingAcceptChannel extends ServerSocketChannel {

    private final ServerSocketChannel delegate;
    private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();
    /** Set once the connections are closed: one accepted after that is closed at once. */
    private volatile boolean closing;

    RecordingAcceptChannel(ServerSocketChannel delegate) {
        super(delegate.provider());
        this.delegate = delegate;
    }

    @Override
    public SocketChannel accept() throws IOException {
        SocketChannel channel = delegate.accept();
        if (channel != null) {
            accepted.removeIf(c -> !c.isOpen()); // those Jetty closed: keeps the set to the open ones
            accepted.add(channel);
            if (closing) {
                closeAccepted(); // the acceptor returned from accept() as the node stopped
            }
        }
        return channel;
    }

    /** Closes every accepted connection still open, and any accepted from now on. */
    void closeAccepted() {
        closing = true;
        for (SocketChannel channel : accepted) {
            accepted.remove(channel);
            try {
                channel.close();
            } catch (IOException e) {
                // closing is all that is wanted; a failure leaves nothing to do
            }
        }
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        delegate.bind(local, backlog);
        return this;
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        delegate.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return delegate.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return delegate.supportedOptions();
    }

    @Override
    public ServerSocket socket() {
        return delegate.socket();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return delegate.getLocalAddress();
    }

    /** Jetty's connector closes this channel before it interrupts its acceptor, so the delegate is never closed alone while in use. */
    @Override
    protected void implCloseSelectableChannel() throws IOException {
        delegate.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        delegate.configureBlocking(block);
    }
}
