// The virtual network the Container Apps environment joins. A VNet costs nothing, and Container
// Apps has tied TCP ingress (which carries the silo-to-silo and Orleans gateway ports, see
// silo.bicep) to environments in a VNet of your own; it also leaves room for NSGs and private
// endpoints later.

param name string
param location string
param tags object

resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.90.0.0/16'
      ]
    }
    subnets: [
      {
        // A workload-profiles environment needs at least a /27, delegated to it alone.
        name: 'container-apps'
        properties: {
          addressPrefix: '10.90.0.0/23'
          delegations: [
            {
              name: 'container-apps'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

output containerAppsSubnetId string = network.properties.subnets[0].id
