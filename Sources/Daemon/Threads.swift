import Glibc

private final class ThreadBody {
    let name: String
    let body: () -> Void
    init(name: String, body: @escaping () -> Void) { self.name = name; self.body = body }
}

/// Starts a detached pthread that runs `body`; `name` identifies it for debugging.
@discardableResult
public func startThread(name: String, _ body: @escaping () -> Void) -> pthread_t? {
    let box = Unmanaged.passRetained(ThreadBody(name: name, body: body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { argument in
        guard let argument else { return nil }
        let box = Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue()
        box.body()
        return nil
    }, box)
    guard result == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(box).release()
        return nil
    }
    pthread_detach(thread)
    return thread
}

/// A started pthread that can be joined.
public final class JoinableThread {
    private var thread = pthread_t()

    /// Starts `body` on a new thread; `name` says which, in the error if the thread cannot be created.
    public init(name: String, _ body: @escaping () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body)).toOpaque()
        let result = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed for \(name): \(String(cString: strerror(result)))")
    }

    /// Waits for the thread to finish.
    public func join() { pthread_join(thread, nil) }
}
