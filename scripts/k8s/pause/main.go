// Command pause is the test node's pod sandbox: it holds a pod's namespaces
// and waits until it is told to stop. There is no registry to pull
// Kubernetes' own pause image from, so scripts/k8s-node.sh builds this one.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
