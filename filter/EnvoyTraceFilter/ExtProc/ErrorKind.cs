namespace EnvoyTraceFilter.ExtProc;

public enum ErrorKind
{
    HandlerException,
    ProtocolViolation,
    StreamFault,
}
