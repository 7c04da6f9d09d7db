// The container registry that holds the silo image. azd pushes to it (or builds in it, with
// docker.remoteBuild); the silo apps pull from it with the managed identity, never a password.

@description('Name of the container registry: 5-50 letters and digits, globally unique.')
param name string

param location string
param tags object

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    // No admin user: pulls go through the identity's AcrPull role, pushes through azd's sign-in.
    adminUserEnabled: false
  }
}

output id string = registry.id
output name string = registry.name
output loginServer string = registry.properties.loginServer
