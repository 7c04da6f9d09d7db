// OrleansKv on Azure Container Apps: a cluster of silos, one Container App each, sharing one
// container image, keyless storage and one managed identity. `azd up` deploys it (azure.yaml);
// README.md's "Azure" section says what it creates and what it costs.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the other names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@minValue(1)
@maxValue(9)
@description('Number of silos (silo1..siloN), one Container App each.')
param siloCount int = 3

@minValue(1)
@description('Replication groups; the hash slots are split evenly between them (Silo:Groups).')
param groups int = 2

@minValue(1)
@description('Replicas per group (Silo:ReplicationFactor), capped at the number of silos.')
param replicationFactor int = 3

@description('The Orleans cluster id (Silo:ClusterId).')
param clusterId string = 'orleanskv'

@description('The silo image azd pushed (SERVICE_SILO_IMAGE_NAME); empty on the very first provision.')
param siloImage string = ''

@secure()
@minLength(32)
@description('The HTTP gateway\'s API key. azd generates one per environment (infra/hooks); without azd a new one is drawn on every deployment.')
param apiKey string = newGuid()

var tags = {
  'azd-env-name': environmentName
}
// Short, stable and unique per subscription, environment and region: names that must be global.
var token = toLower(uniqueString(subscription().id, environmentName, location))
var siloNames = [for i in range(1, siloCount): 'silo${i}']

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    name: 'log-${token}'
    location: location
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: group
  params: {
    name: 'cr${token}'
    location: location
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    name: 'id-silo-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: 'st${token}'
    location: location
    tags: tags
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: group
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    registryName: registry.outputs.name
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: group
  params: {
    name: 'vnet-${token}'
    location: location
    tags: tags
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  scope: group
  params: {
    name: 'cae-${token}'
    location: location
    tags: tags
    subnetId: network.outputs.containerAppsSubnetId
    logAnalyticsWorkspaceId: monitoring.outputs.id
  }
}

// Silo i listens for silos on 11110+i and for Orleans clients on 30000+i: distinct ports, since
// each is also the app's TCP ingress port inside the environment (see modules/silo.bicep).
// One app at a time, so that a change (a new image) does not restart every silo at once.
@batchSize(1)
module silos 'modules/silo.bicep' = [
  for (siloName, i) in siloNames: {
    name: siloName
    scope: group
    // The image pull needs AcrPull, and the silo needs its storage roles, from its first start.
    dependsOn: [
      access
    ]
    params: {
      name: siloName
      location: location
      tags: tags
      // azd deploys the image into silo1's app; the next provision gives it to every silo.
      azdServiceName: i == 0 ? 'silo' : ''
      environmentId: environment.outputs.id
      environmentDomain: environment.outputs.defaultDomain
      image: siloImage
      registryServer: registry.outputs.loginServer
      identityId: identity.outputs.id
      identityClientId: identity.outputs.clientId
      silos: join(siloNames, ',')
      siloPort: 11111 + i
      gatewayPort: 30001 + i
      clusterId: clusterId
      groups: groups
      replicationFactor: replicationFactor
      tableServiceUri: storage.outputs.tableServiceUri
      blobServiceUri: storage.outputs.blobServiceUri
      grainStateContainer: storage.outputs.grainStateContainerName
      apiKey: apiKey
    }
  }
]

// azd reads these into the environment (azd env get-values).
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output ORLEANSKV_SILOS string = join(siloNames, ',')
@description('silo1\'s HTTP gateway (any gateway serves every key).')
output ORLEANSKV_GATEWAY_URL string = silos[0].outputs.url
@description('Every silo\'s HTTP gateway, in silo order.')
output ORLEANSKV_GATEWAY_URLS array = [for i in range(0, siloCount): silos[i].outputs.url]
