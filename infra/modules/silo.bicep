// One silo: a Container App with exactly one replica, named after the silo it runs.
//
// How the silos reach each other. Orleans needs every silo to advertise an IP address and ports
// that every other silo can connect to. Container Apps gives no supported address for a single
// replica, but it does route an app's TCP ingress ports to that app's replicas, and an app with
// one replica is one silo. So each silo app exposes its silo and Orleans gateway ports as
// additional TCP ingress ports that stay inside the environment (external: false), each silo on
// its own port numbers (11111+i, 30000+i), and the silo advertises the address that its app's
// internal host name resolves to, together with those ports (Silo:AdvertisedHost; see
// NEEDS-FROM-SILO.md). That is the shape Orleans's own Container Apps guidance takes (one app and
// one port pair per silo), with the ports kept internal so that the only external ingress is the
// HTTP gateway, on HTTPS.
//
// Why readiness is a TCP probe on the silo port, not /healthz/ready. Container Apps stops routing
// every ingress port of an app, the TCP ones included, while its replica is not ready. /healthz/ready
// turns ready only once the silo's groups know a leader, which needs the other silos to reach this
// one through exactly those ports: a cluster whose readiness waited on /healthz/ready would never
// form. The silo port accepts connections as soon as Orleans listens (before it joins), so the
// peers can always get in; /healthz/live watches the process, and /healthz/ready stays the check
// for people and monitors (README).

@description('The app name, which is also the silo name (Silo:Name) and the replica name of every replica it hosts.')
param name string

param location string
param tags object

@description('The azd service deployed into this app (azd-service-name tag), or empty.')
param azdServiceName string = ''

param environmentId string

@description('The environment\'s default domain: the silo advertises {name}.internal.{domain}.')
param environmentDomain string

@description('The silo image, or empty before azd has pushed one (a placeholder runs until then).')
param image string

param registryServer string
param identityId string
param identityClientId string

@description('Every silo of the cluster, comma-separated, in the same order for every silo.')
param silos string

@minValue(1024)
@maxValue(65535)
param siloPort int

@minValue(1024)
@maxValue(65535)
param gatewayPort int

param clusterId string
param groups int
param replicationFactor int

param tableServiceUri string
param blobServiceUri string
param grainStateContainer string

@secure()
param apiKey string

// The image azd templates start from until the first azd deploy; it does not pass the probes.
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: union(tags, empty(azdServiceName) ? {} : { 'azd-service-name': azdServiceName })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        // The HTTP gateway: public, HTTPS only (port 80 redirects), TLS ends at the ingress.
        external: true
        targetPort: 8080
        transport: 'http'
        allowInsecure: false
        // Orleans's ports: reachable from inside the environment only.
        additionalPortMappings: [
          {
            external: false
            targetPort: siloPort
            exposedPort: siloPort
          }
          {
            external: false
            targetPort: gatewayPort
            exposedPort: gatewayPort
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'api-key'
          value: apiKey
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'silo'
          image: empty(image) ? placeholderImage : image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          // Exactly the settings the silo reads (OrleansKv.Silo.Configuration.SiloSettings, as
          // Silo__X environment variables), plus AZURE_CLIENT_ID for DefaultAzureCredential.
          // tests/OrleansKv.Deployment.Tests checks this list against the code.
          env: [
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'Silo__Name', value: name }
            { name: 'Silo__SilosList', value: silos }
            { name: 'Silo__ClusterId', value: clusterId }
            { name: 'Silo__Groups', value: string(groups) }
            { name: 'Silo__ReplicationFactor', value: string(replicationFactor) }
            { name: 'Silo__ListenOnAnyAddress', value: 'true' }
            { name: 'Silo__AdvertisedHost', value: '${name}.internal.${environmentDomain}' }
            { name: 'Silo__SiloPort', value: string(siloPort) }
            { name: 'Silo__GatewayPort', value: string(gatewayPort) }
            { name: 'Silo__HttpUrl', value: 'http://0.0.0.0:8080' }
            { name: 'Silo__Clustering', value: 'azuretable' }
            { name: 'Silo__AzureTableServiceUri', value: tableServiceUri }
            { name: 'Silo__Storage', value: 'azureblob' }
            { name: 'Silo__AzureBlobServiceUri', value: blobServiceUri }
            { name: 'Silo__AzureBlobContainer', value: grainStateContainer }
            { name: 'Silo__ApiKey', secretRef: 'api-key' }
          ]
          probes: [
            {
              type: 'Startup'
              tcpSocket: {
                port: siloPort
              }
              periodSeconds: 5
              failureThreshold: 10
            }
            {
              type: 'Readiness'
              tcpSocket: {
                port: siloPort
              }
              periodSeconds: 5
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz/live'
                port: 8080
              }
              initialDelaySeconds: 30
              periodSeconds: 10
              failureThreshold: 6
            }
          ]
        }
      ]
      // One replica, always: a second one would be a second silo with the same name.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
      // Room for a graceful stop: the leaders hand their groups over before the silo exits.
      terminationGracePeriodSeconds: 30
    }
  }
}

output name string = silo.name
output url string = 'https://${silo.properties.configuration.ingress.fqdn}'
