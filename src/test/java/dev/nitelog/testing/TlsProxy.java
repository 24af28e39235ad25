package dev.nitelog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Terminates TLS on 127.0.0.1 and forwards the plain bytes to a local port: how a search engine
 * behind a TLS front (or with its security plugin on) looks to a client. It counts handshakes that
 * completed and that failed, so a test can tell "refused at TLS" from "refused by the engine".
 */
public final class TlsProxy implements AutoCloseable {
    private final SSLServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger failedHandshakes = new AtomicInteger();

    private TlsProxy(SSLServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** Listens on a free port; {@code requireClientCertificate} makes it mutual TLS. */
    public static TlsProxy start(SSLContext context, int targetPort, boolean requireClientCertificate)
            throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.setNeedClientAuth(requireClientCertificate);
        TlsProxy proxy = new TlsProxy(server, targetPort);
        Thread acceptor = new Thread(proxy::acceptLoop, "tls-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Handshakes that completed. */
    public int handshakes() {
        return handshakes.get();
    }

    /** Handshakes the proxy or the client aborted. */
    public int failedHandshakes() {
        return failedHandshakes.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) server.accept();
                Thread worker = new Thread(() -> serve(client), "tls-proxy-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SSLSocket client) {
        open.add(client);
        try {
            client.startHandshake();
        } catch (IOException e) {
            failedHandshakes.incrementAndGet();
            closeQuietly(client);
            return;
        }
        handshakes.incrementAndGet();
        try {
            Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(target);
            Thread back = new Thread(() -> pump(target, client), "tls-proxy-back");
            back.setDaemon(true);
            back.start();
            pump(client, target);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away; closing both ends tells the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }
}
