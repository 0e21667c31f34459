package dev.dspy4j.streaming.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of an HTTP/1.1 server that breaks the first {@code
 * faultyConnections} connections on purpose (later ones pass through untouched): it closes or
 * stalls before the response headers, or after exactly {@code n} bytes of the response body. It
 * counts connections and sees when the client closes one, so a test can check that an exchange was
 * really closed. Blocking sockets and one thread per direction: test code only.
 */
final class FaultProxy implements AutoCloseable {

  /** What happens to a faulty connection. */
  enum Kind {
    /** Reads the request, then closes the socket without answering. */
    CLOSE_BEFORE_HEADERS,
    /** Reads the request, then never answers (until the client closes). */
    STALL_BEFORE_HEADERS,
    /** Forwards the response headers and {@code bodyBytes} body bytes, then closes the socket. */
    CUT_AFTER_BODY_BYTES,
    /** Forwards the response headers and {@code bodyBytes} body bytes, then sends nothing more. */
    STALL_AFTER_BODY_BYTES
  }

  private final ServerSocket listener;
  private final int upstreamPort;
  private final Kind kind;
  private final long bodyBytes;
  private final int faultyConnections;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger clientCloses = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private FaultProxy(int upstreamPort, Kind kind, long bodyBytes, int faultyConnections)
      throws IOException {
    this.upstreamPort = upstreamPort;
    this.kind = kind;
    this.bodyBytes = bodyBytes;
    this.faultyConnections = faultyConnections;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * A proxy to {@code 127.0.0.1:upstreamPort} applying {@code kind} to the first {@code
   * faultyConnections}.
   */
  static FaultProxy start(int upstreamPort, Kind kind, long bodyBytes, int faultyConnections)
      throws IOException {
    return new FaultProxy(upstreamPort, kind, bodyBytes, faultyConnections);
  }

  /** The apiBase of an LM that talks through this proxy. */
  String apiBase() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
  }

  /** Connections the proxy accepted. */
  int connectionsAccepted() {
    return accepted.get();
  }

  /** Client connections currently open at the proxy. */
  int connectionsOpen() {
    return open.size();
  }

  /** Waits until every client connection is closed; true if that happened in time. */
  boolean awaitAllClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return open.isEmpty();
  }

  /**
   * Connections the client closed (read end-of-stream from the client, not closed by the proxy).
   */
  int closedByClient() {
    return clientCloses.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        int number = accepted.incrementAndGet();
        open.add(client);
        boolean faulty = number <= faultyConnections;
        daemon("fault-proxy-conn-" + number, () -> serve(client, faulty));
      } catch (IOException e) {
        return; // listener closed
      }
    }
  }

  private void serve(Socket client, boolean faulty) {
    try (client) {
      if (faulty && (kind == Kind.CLOSE_BEFORE_HEADERS || kind == Kind.STALL_BEFORE_HEADERS)) {
        InputStream in = client.getInputStream();
        readRequestHead(in);
        if (kind == Kind.STALL_BEFORE_HEADERS) {
          drainUntilClientCloses(in);
        }
        return;
      }
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        daemon("fault-proxy-request", () -> pipe(client, upstream));
        forwardResponse(upstream.getInputStream(), client, faulty);
      }
    } catch (IOException e) {
      // the peer went away; the socket is closed below
    } finally {
      open.remove(client);
    }
  }

  /** Copies client bytes upstream; an end of stream from the client is the client closing. */
  private void pipe(Socket client, Socket upstream) {
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = client.getInputStream();
      OutputStream out = upstream.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      clientCloses.incrementAndGet();
    } catch (IOException e) {
      // either side closed
    } finally {
      closeQuietly(upstream);
      closeQuietly(client);
    }
  }

  private void forwardResponse(InputStream upstream, Socket client, boolean faulty)
      throws IOException {
    OutputStream out = client.getOutputStream();
    byte[] buf = new byte[16 * 1024];
    int headState = 0; // how much of CR LF CR LF has been matched
    boolean inBody = false;
    long bodySent = 0;
    int n;
    while ((n = upstream.read(buf)) >= 0) {
      if (!faulty) {
        out.write(buf, 0, n);
        out.flush();
        continue;
      }
      int i = 0;
      if (!inBody) {
        while (i < n && !inBody) {
          headState = nextHeadState(headState, buf[i++]);
          inBody = headState == 4;
        }
      }
      int end = n;
      if (inBody) {
        int take = (int) Math.min(bodyBytes - bodySent, n - i);
        end = i + take;
        bodySent += take;
      }
      out.write(buf, 0, end);
      out.flush();
      if (inBody && bodySent >= bodyBytes) {
        if (kind == Kind.STALL_AFTER_BODY_BYTES) {
          // Keep the socket open and silent; the client's close ends pipe(), which closes it.
          while (!client.isClosed() && !closed) {
            sleep(10);
          }
        }
        return; // CUT: closing the sockets (try-with-resources in serve) cuts the body here
      }
    }
  }

  /** Matching CR LF CR LF, the end of an HTTP head, one byte at a time (state 4: matched). */
  private static int nextHeadState(int state, int b) {
    if (b == '\r') {
      return state == 0 || state == 2 ? state + 1 : 1;
    }
    if (b == '\n' && (state == 1 || state == 3)) {
      return state + 1;
    }
    return 0;
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      state = nextHeadState(state, b);
      if (state == 4) {
        return;
      }
    }
  }

  private void drainUntilClientCloses(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    while (in.read(buf) >= 0) {
      // discard the request body
    }
    clientCloses.incrementAndGet();
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    open.forEach(FaultProxy::closeQuietly);
  }

  @Override
  public String toString() {
    return "FaultProxy["
        + kind
        + " after "
        + bodyBytes
        + " body bytes, port "
        + listener.getLocalPort()
        + " -> "
        + new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort)
        + "]";
  }
}
