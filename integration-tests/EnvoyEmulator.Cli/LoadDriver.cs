using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Http2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EnvoyEmulator.Cli;

/// <summary>
/// `envoy-emulator load`: a closed-loop load on the raw HTTP/2 transport, writing what Envoy 1.36's ext_proc client
/// writes for a bodiless GET (HEADERS+DATA request_headers; DATA response_headers; then Envoy's end of stream), on
/// a fixed number of connections with a fixed number of streams in flight each. For short measurements (≤ 20 s);
/// the Envoy-exact load generator lives in bench/. Prints req/s and every stream error by kind.
/// </summary>
internal static class LoadDriver
{
    public const string Usage = """
        usage: envoy-emulator load --target http://127.0.0.1:50051 [--connections 2] [--concurrency 64]
                                   [--seconds 15] [--warmup 2] [--close envoy|silent]
          --close envoy   Envoy 1.36: END_STREAM + RST_STREAM(NO_ERROR) once the request is done, and the router's
                          RST_STREAM(NO_ERROR) when the server's trailers arrive first (default)
          --close silent  send nothing after the last answer, as a .NET HttpClient does
        """;

    private const string Path = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var driver = new Driver(options);
        return await driver.RunAsync().ConfigureAwait(false);
    }

    private static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--target": o = o with { Target = new Uri(value) }; break;
                case "--connections": o = o with { Connections = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--concurrency": o = o with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--seconds": o = o with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--warmup": o = o with { Warmup = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--close":
                    o = o with { Silent = value switch { "envoy" => false, "silent" => true, _ => throw new ArgumentException("--close is envoy or silent.") } };
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }

            i++;
        }

        return o;
    }

    private sealed record LoadOptions
    {
        public Uri Target { get; init; } = new("http://127.0.0.1:50051");
        public int Connections { get; init; } = 2;
        public int Concurrency { get; init; } = 64;
        public double Seconds { get; init; } = 15;
        public double Warmup { get; init; } = 2;
        public bool Silent { get; init; }
    }

    private sealed class Driver(LoadOptions options)
    {
        private readonly byte[] _headerBlock = HpackEncoder.GrpcRequest("trace_filter", Path,
            [new("x-envoy-internal", "true"), new("x-forwarded-for", "192.0.2.1")]);
        private readonly byte[][] _requestHeaders = Enumerable.Range(0, 256).Select(i => RequestHeadersFrame(i)).ToArray();
        private readonly byte[] _responseHeaders = GrpcFraming.Frame(new ProcessingRequest
        {
            ResponseHeaders = new HttpHeaders
            {
                Headers = new HeaderMap { Headers = { Header(":status", "200"), Header("content-length", "12"), Header("x-envoy-upstream-service-time", "1") } },
                EndOfStream = false,
            },
            MetadataContext = new Metadata(),
        }.ToByteArray());
        private readonly ConcurrentDictionary<string, long> _errors = new();
        private readonly Http2Connection?[] _connections = new Http2Connection?[options.Connections];
        private readonly ConcurrentQueue<int> _idle = new(); // slots (by connection) waiting to start a stream
        private readonly SemaphoreSlim _idleSignal = new(0);
        private volatile bool _stopping;
        private long _completed;
        private long _sequence;

        public bool Silent => options.Silent;

        public async Task<int> RunAsync()
        {
            var endPoint = new IPEndPoint(IPAddress.Parse(options.Target.Host), options.Target.Port);
            for (var i = 0; i < options.Concurrency; i++)
            {
                _idle.Enqueue(i % options.Connections);
            }

            var supervisor = Task.Run(() => SuperviseAsync(endPoint));
            _idleSignal.Release();
            await Task.Delay(TimeSpan.FromSeconds(options.Warmup)).ConfigureAwait(false);
            var startCompleted = Interlocked.Read(ref _completed);
            var startErrors = _errors.ToDictionary(e => e.Key, e => e.Value);
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.Seconds)).ConfigureAwait(false);
            var done = Interlocked.Read(ref _completed) - startCompleted;
            var elapsed = watch.Elapsed.TotalSeconds;
            var endErrors = _errors.ToDictionary(e => e.Key, e => e.Value); // streams cut by our own shutdown don't count
            _stopping = true;
            _idleSignal.Release();
            await supervisor.ConfigureAwait(false);
            foreach (var connection in _connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"close={(options.Silent ? "silent" : "envoy")} connections={options.Connections} concurrency={options.Concurrency} seconds={elapsed:F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests={done} req/s={done / elapsed:F0}"));
            var measured = endErrors.Select(e => (e.Key, Count: e.Value - startErrors.GetValueOrDefault(e.Key))).Where(e => e.Count > 0).ToList();
            Console.WriteLine($"stream errors={measured.Sum(e => e.Count)} (warm-up: {startErrors.Values.Sum()})");
            foreach (var (kind, count) in measured.OrderByDescending(e => e.Count))
            {
                Console.WriteLine($"  {kind}: {count}");
            }

            return 0;
        }

        /// <summary>Starts idle slots, reconnecting a connection that ended (as Envoy's pool would).</summary>
        private async Task SuperviseAsync(EndPoint endPoint)
        {
            while (!_stopping)
            {
                await _idleSignal.WaitAsync().ConfigureAwait(false);
                var retry = new List<int>();
                while (!_stopping && _idle.TryDequeue(out var index))
                {
                    var connection = _connections[index];
                    if (connection is null || connection.IsClosed || connection.GoAwayReceived)
                    {
                        if (connection is { Completion.IsCompleted: true } && connection.Completion.Result is { } failure)
                        {
                            Count($"connection ended: {failure.GetType().Name}: {failure.Message}");
                        }

                        try
                        {
                            connection = _connections[index] = await Http2Connection.ConnectAsync(endPoint).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
                        {
                            Count("connect failed");
                            retry.Add(index);
                            continue;
                        }
                    }

                    if (!Start(connection, index))
                    {
                        retry.Add(index);
                    }
                }

                foreach (var index in retry)
                {
                    _idle.Enqueue(index);
                }

                if (retry.Count > 0 && !_stopping)
                {
                    await Task.Delay(1).ConfigureAwait(false); // wait for streams to free up (or the server to come back)
                    _idleSignal.Release();
                }
            }
        }

        private bool Start(Http2Connection connection, int index)
        {
            var seq = Interlocked.Increment(ref _sequence);
            return connection.TryStartStream(_headerBlock, _requestHeaders[seq & 255], endStream: false,
                new LoadStream(this, index), out _);
        }

        private void Next(Http2Connection connection, int index)
        {
            if (_stopping)
            {
                return;
            }

            if (!connection.IsClosed && !connection.GoAwayReceived && Start(connection, index))
            {
                return;
            }

            _idle.Enqueue(index);
            _idleSignal.Release();
        }

        private void Count(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

        private static byte[] RequestHeadersFrame(int i)
        {
            var traceId = ((ulong)i * 0x9E3779B97F4A7C15UL).ToString("x16", CultureInfo.InvariantCulture) + "4bf92f3577b34da6";
            var message = new ProcessingRequest
            {
                RequestHeaders = new HttpHeaders
                {
                    Headers = new HeaderMap
                    {
                        Headers =
                        {
                            Header(":authority", "api.example.com"), Header(":path", "/orders/" + i), Header(":method", "GET"),
                            Header(":scheme", "https"), Header("user-agent", "curl/8.5.0"), Header("accept", "*/*"),
                            Header("x-forwarded-for", "203.0.113.7"), Header("x-forwarded-proto", "https"),
                            Header("x-envoy-external-address", "203.0.113.7"),
                            Header("x-request-id", Guid.NewGuid().ToString()),
                            Header("x-cloud-trace-context", traceId + "/" + (i + 1) + ";o=1"),
                        },
                    },
                    EndOfStream = true,
                },
                MetadataContext = new Metadata(),
                ProtocolConfig = new ProtocolConfiguration(),
            };
            message.Attributes["envoy.filters.http.ext_proc"] = new Struct
            {
                Fields =
                {
                    ["source.address"] = Value.ForString("203.0.113.7:50000"),
                    ["request.time"] = Value.ForString("2026-12-02T05:00:00.123456789Z"),
                },
            };
            return GrpcFraming.Frame(message.ToByteArray());
        }

        private static HeaderValue Header(string key, string value) => new() { Key = key, RawValue = ByteString.CopyFromUtf8(value) };

        /// <summary>One stream's state machine, run on the connection's reader like an Envoy worker's event loop.</summary>
        private sealed class LoadStream(Driver driver, int index) : IHttp2StreamHandler
        {
            private readonly GrpcMessageReader _reader = new(64);
            private int _answers;
            private bool _finished;

            /// <summary>Frees the slot for its next stream, once.</summary>
            private void Finish(Http2Stream stream)
            {
                if (!_finished)
                {
                    _finished = true;
                    driver.Next(stream.Connection, index);
                }
            }

            public void OnHeaders(Http2Stream stream, List<KeyValuePair<string, string>> headers, bool trailers, bool endStream)
            {
                if (!trailers)
                {
                    return;
                }

                if (!_finished)
                {
                    driver.Count("ended before both answers (grpc-status " + headers.Find(h => h.Key == "grpc-status").Value + ")");
                    Finish(stream);
                }

                // Envoy's router: the response finished before the request did ⇒ reset the upstream request.
                if (!driver.Silent && !stream.LocalEnded)
                {
                    stream.Reset(Http2ErrorCode.NoError);
                }
            }

            public void OnData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
            {
                _reader.Append(data);
                while (_reader.TryRead(out _))
                {
                    if (++_answers == 1)
                    {
                        stream.SendData(driver._responseHeaders);
                        continue;
                    }

                    Interlocked.Increment(ref driver._completed);
                    // Bodiless response: the HTTP request is done, Envoy 1.36 closes the ext_proc stream now.
                    if (!driver.Silent && !stream.RemoteEnded)
                    {
                        stream.EndStreamAndReset(Http2ErrorCode.NoError);
                    }

                    Finish(stream);
                }
            }

            public void OnReset(Http2Stream stream, Http2ErrorCode code)
            {
                if (_finished && stream.CloseReason == Http2StreamCloseReason.ResetByPeer && code == Http2ErrorCode.NoError)
                {
                    return; // Kestrel's RST after its trailers
                }

                var connection = stream.Connection;
                var kind = stream.CloseReason switch
                {
                    Http2StreamCloseReason.ConnectionLost => $"connection lost (GOAWAY {connection.GoAwayCode?.ToString() ?? "none"})",
                    Http2StreamCloseReason.RefusedByGoAway => $"refused by GOAWAY {connection.GoAwayCode}",
                    _ => $"RST_STREAM {code}",
                };
                driver.Count(_finished ? kind + " after both answers" : kind);
                Finish(stream);
            }
        }
    }
}
