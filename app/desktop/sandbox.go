package desktop

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"cloudcontrol/app/launch"
	"cloudcontrol/backend/sandbox"
)

// defaultWorld is the examples' world, relative to the working folder.
const defaultWorld = "environments/sandbox/world.yaml"

// startSandbox serves a sandbox in this process on a free loopback port and
// points this process's AWS credentials at harmless placeholders, so the
// window never touches a real account in sandbox mode.
func startSandbox(ctx context.Context, o launch.WindowOptions, log *slog.Logger) (string, func(), error) {
	file := o.WorldFile
	if file == "" {
		file = defaultWorld
	}
	w, err := sandbox.LoadWorld(file)
	if err != nil {
		return "", nil, fmt.Errorf("sandbox world: %w", err)
	}
	speed := o.SandboxSpeed
	if speed <= 0 {
		speed = 1
	}
	// Its own loopback block, so a `sandbox serve` of the same world, or
	// another window's sandbox, does not take its services' ports.
	block, release := sandbox.ClaimAddressBlock()
	srv, err := sandbox.Listen("127.0.0.1:0", w, sandbox.Options{Speed: speed, Logger: log, AddressBlock: block})
	if err != nil {
		release()
		return "", nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ctx); err != nil {
			log.Error("sandbox stopped", "err", err)
		}
	}()
	stop := func() { // the block is given back once its services are closed
		cancel()
		<-served
		release()
	}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox", "AWS_PROFILE": "", "AWS_SESSION_TOKEN": ""} {
		os.Setenv(k, v)
	}
	log.Info("sandbox serving", "url", srv.URL, "world", file)
	return srv.URL, stop, nil
}
