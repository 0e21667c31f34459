package dev.dspy4j.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;

/**
 * A local OpenAI-compatible streaming server for benchmarks, in its own JVM. Binds loopback only.
 * Prints {@code PORT n} once listening; prints its own CPU seconds and exits when stdin closes or
 * reads {@code quit}. Args: {@code [port (0 = any)] [eventLoopThreads]}.
 */
public final class BenchServer {

  private BenchServer() {}

  /** Starts the server; see the class comment for arguments and protocol. */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 16_384)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      // Requests are decoded; responses are pre-encoded bytes, so no encoder.
                      ch.pipeline()
                          .addLast(
                              new HttpRequestDecoder(),
                              new HttpObjectAggregator(1 << 20),
                              new SseHandler());
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", port))
              .sync()
              .channel();
      System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
      String line;
      while ((line = in.readLine()) != null) {
        if ("cpu".equals(line.trim())) {
          System.out.println("CPU " + cpuSeconds());
          System.out.flush();
        } else if ("quit".equals(line.trim())) {
          break;
        }
      }
      server.close().sync();
    } finally {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
    }
  }

  private static double cpuSeconds() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e9;
  }
}
