// The storage account behind the cluster: Orleans's membership table (Azure Table clustering)
// and every replica's Raft state (Orleans's Azure Blob grain storage). Shared-key access is off,
// so the account has no usable key: the silos reach it with their managed identity only.

@description('Name of the storage account: 3-24 lowercase letters and digits, globally unique.')
param name string

param location string
param tags object

@description('The table Orleans keeps the cluster membership in (the provider\'s default name).')
param membershipTableName string = 'OrleansSiloInstances'

@description('The blob container that holds the grain states (the silo\'s default Silo:AzureBlobContainer).')
param grainStateContainerName string = 'orleanskv-grainstate'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource membershipTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: membershipTableName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource grainStateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: grainStateContainerName
  properties: {
    publicAccess: 'None'
  }
}

output id string = account.id
output name string = account.name
output tableServiceUri string = account.properties.primaryEndpoints.table
output blobServiceUri string = account.properties.primaryEndpoints.blob
output grainStateContainerName string = grainStateContainer.name
