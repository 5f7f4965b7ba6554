package io.causalkv.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.causalkv.api.admin.AdminPageResource;
import io.causalkv.api.admin.AdminResource;
import io.causalkv.api.admin.BackupResource;
import io.causalkv.api.common.ExpiredPeerRequestFilter;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.JsonExceptionMapper;
import io.causalkv.api.common.RelayHeaderFilter;
import io.causalkv.api.common.RequestGuardFilter;
import io.causalkv.api.hello.HelloResource;
import io.causalkv.api.common.ClusterPaths;
import io.causalkv.api.common.ClusterWording;
import io.causalkv.api.kvs.KvsWording;
import io.causalkv.api.ops.MetricsFilter;
import io.causalkv.api.ops.NodeMetrics;
import io.causalkv.api.ops.OpsResource;
import io.causalkv.api.kvs.KvsKeyResource;
import io.causalkv.api.kvskeys.KvsKeyCountResource;
import io.causalkv.api.kvskeys.KvsKeysKeyResource;
import io.causalkv.api.kvskeys.KvsShardsResource;
import io.causalkv.api.kvskeys.KvsViewChangeResource;
import io.causalkv.api.kvstore.KeyValueStoreKeyResource;
import io.causalkv.api.kvstore.KeyValueStoreWording;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import jakarta.ws.rs.ext.ContextResolver;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The Jersey application of one node: the resources of the dialects the node serves (a
 * disabled dialect is simply not registered, so its paths are unknown: API.md 3), the shared
 * filter and exception mapper, and the node itself for injection.
 */
public class CausalKvApplication extends ResourceConfig {

    public CausalKvApplication(Node node) {
        this(node, new NodeMetrics(node));
    }

    public CausalKvApplication(Node node, NodeMetrics metrics) {
        register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(node).to(Node.class);
                bind(metrics).to(NodeMetrics.class);
            }
        });
        register(JacksonFeature.withoutExceptionMappers());
        register((ContextResolver<ObjectMapper>) type -> Json.MAPPER);
        register(JsonExceptionMapper.class);
        register(RequestGuardFilter.class);
        register(RelayHeaderFilter.class);
        register(ExpiredPeerRequestFilter.class);
        register(MetricsFilter.class);
        // Everything is registered above and below: no WADL, and no looking through every jar's
        // META-INF/services for features to discover (docs/PERFORMANCE.md, "Start-up").
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        property(CommonProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        register(OpsResource.class);
        register(AdminResource.class);
        register(BackupResource.class);
        register(AdminPageResource.class);
        if (node.config().serves(Dialect.HELLO)) {
            register(HelloResource.class);
        }
        if (node.config().serves(Dialect.KVS)) {
            register(KvsKeyResource.class);
            registerClusterPaths(node, new KvsWording());
        }
        if (node.config().serves(Dialect.KVS_KEYS)) {
            register(KvsKeysKeyResource.class);
            register(KvsKeyCountResource.class);
            register(KvsShardsResource.class);
            register(KvsViewChangeResource.class);
        }
        if (node.config().serves(Dialect.KEY_VALUE_STORE)) {
            register(KeyValueStoreKeyResource.class);
            registerClusterPaths(node, new KeyValueStoreWording());
        }
    }

    /** The view and shard paths of a dialect: the same resources, in the dialect's words. */
    private void registerClusterPaths(Node node, ClusterWording wording) {
        registerResources(ClusterPaths.view(node, wording), ClusterPaths.shard(node, wording));
    }
}
