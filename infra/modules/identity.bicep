// The one identity every silo runs as: it pulls the image and reads and writes the storage
// account. DefaultAzureCredential in the silo finds it through AZURE_CLIENT_ID.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
