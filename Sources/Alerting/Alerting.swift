import NetmonCore
