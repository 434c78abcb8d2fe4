package cluster

import (
	"context"
	"io"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
)

// The API's types the provider uses: core/v1 and networking/v1 alone.
// client-go's generated clientset registers every API group when the
// program starts, which costs every provider, on Docker as on a cluster,
// some 35 MiB of resident memory; REST clients over this scheme cost a
// fraction of it.
var (
	apiScheme  = runtime.NewScheme()
	apiCodecs  serializer.CodecFactory
	paramCodec runtime.ParameterCodec
)

func init() {
	utilruntime.Must(corev1.AddToScheme(apiScheme))
	utilruntime.Must(networkingv1.AddToScheme(apiScheme))
	apiCodecs = serializer.NewCodecFactory(apiScheme)
	paramCodec = runtime.NewParameterCodec(apiScheme)
}

// api is the part of the Kubernetes API the provider calls.
type api struct {
	core *rest.RESTClient // /api/v1
	netw *rest.RESTClient // /apis/networking.k8s.io/v1
}

func newAPI(rc *rest.Config) (*api, error) {
	client := func(path string, gv schema.GroupVersion) (*rest.RESTClient, error) {
		c := rest.CopyConfig(rc)
		c.APIPath, c.GroupVersion = path, &gv
		c.NegotiatedSerializer = apiCodecs.WithoutConversion()
		if c.UserAgent == "" {
			c.UserAgent = rest.DefaultKubernetesUserAgent()
		}
		return rest.RESTClientFor(c)
	}
	core, err := client("/api", corev1.SchemeGroupVersion)
	if err != nil {
		return nil, err
	}
	netw, err := client("/apis", networkingv1.SchemeGroupVersion)
	if err != nil {
		return nil, err
	}
	return &api{core: core, netw: netw}, nil
}

func (a *api) getPod(ctx context.Context, ns, name string) (*corev1.Pod, error) {
	var pod corev1.Pod
	return &pod, a.core.Get().Namespace(ns).Resource("pods").Name(name).Do(ctx).Into(&pod)
}

// listPods lists the pods of ns, or of every namespace for "".
func (a *api) listPods(ctx context.Context, ns string, opts metav1.ListOptions) (*corev1.PodList, error) {
	var list corev1.PodList
	return &list, a.core.Get().Namespace(ns).Resource("pods").VersionedParams(&opts, paramCodec).Do(ctx).Into(&list)
}

func (a *api) watchPods(ctx context.Context, ns string, opts metav1.ListOptions) (watch.Interface, error) {
	opts.Watch = true
	return a.core.Get().Namespace(ns).Resource("pods").VersionedParams(&opts, paramCodec).Watch(ctx)
}

func (a *api) createPod(ctx context.Context, pod *corev1.Pod) (*corev1.Pod, error) {
	var created corev1.Pod
	return &created, a.core.Post().Namespace(pod.Namespace).Resource("pods").Body(pod).Do(ctx).Into(&created)
}

func (a *api) deletePod(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
	return a.core.Delete().Namespace(ns).Resource("pods").Name(name).Body(&opts).Do(ctx).Error()
}

func (a *api) patchPod(ctx context.Context, ns, name string, pt types.PatchType, data []byte) (*corev1.Pod, error) {
	var pod corev1.Pod
	return &pod, a.core.Patch(pt).Namespace(ns).Resource("pods").Name(name).Body(data).Do(ctx).Into(&pod)
}

func (a *api) podLogs(ctx context.Context, ns, name string, opts *corev1.PodLogOptions) (io.ReadCloser, error) {
	return a.core.Get().Namespace(ns).Resource("pods").Name(name).SubResource("log").VersionedParams(opts, paramCodec).Stream(ctx)
}

// podURL is the URL of a pod's exec or attach subresource.
func (a *api) podURL(ns, name, sub string, opts runtime.Object) *url.URL {
	return a.core.Post().Namespace(ns).Resource("pods").Name(name).SubResource(sub).VersionedParams(opts, paramCodec).URL()
}

func (a *api) getNamespace(ctx context.Context, name string) error {
	var ns corev1.Namespace
	return a.core.Get().Resource("namespaces").Name(name).Do(ctx).Into(&ns)
}

func (a *api) createNamespace(ctx context.Context, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	return a.core.Post().Resource("namespaces").Body(ns).Do(ctx).Error()
}

func (a *api) listNodes(ctx context.Context) (*corev1.NodeList, error) {
	var list corev1.NodeList
	return &list, a.core.Get().Resource("nodes").Do(ctx).Into(&list)
}

func (a *api) createPolicy(ctx context.Context, p *networkingv1.NetworkPolicy) error {
	return a.netw.Post().Namespace(p.Namespace).Resource("networkpolicies").Body(p).Do(ctx).Error()
}

func (a *api) deletePolicy(ctx context.Context, ns, name string) error {
	return a.netw.Delete().Namespace(ns).Resource("networkpolicies").Name(name).Do(ctx).Error()
}

func (a *api) createSecret(ctx context.Context, s *corev1.Secret) error {
	return a.core.Post().Namespace(s.Namespace).Resource("secrets").Body(s).Do(ctx).Error()
}

func (a *api) patchSecret(ctx context.Context, ns, name string, pt types.PatchType, data []byte) error {
	return a.core.Patch(pt).Namespace(ns).Resource("secrets").Name(name).Body(data).Do(ctx).Error()
}

func (a *api) deleteSecret(ctx context.Context, ns, name string) error {
	return a.core.Delete().Namespace(ns).Resource("secrets").Name(name).Do(ctx).Error()
}
