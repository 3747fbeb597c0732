import NetmonCore
print(NetmondVersion.current)
